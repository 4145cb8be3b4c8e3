import os

from flask import Flask

app = Flask(__name__)
password = os.environ["ADMIN_PASSWORD"]
