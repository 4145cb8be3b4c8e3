print("polling")
