import os

TOKEN = os.environ["TEST_ONLY_TOKEN"]
