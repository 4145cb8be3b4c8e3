import os

queue = os.environ["QUEUE_URL"]
token = os.environ["API_TOKEN"]
