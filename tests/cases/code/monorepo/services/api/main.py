import os

from flask import Flask

app = Flask(__name__)
TOKEN = os.environ["API_TOKEN"]
