import os

from flask import Flask

app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
database = os.environ["DATABASE_URL"]
service = os.environ["RENDER_SERVICE_ID"]
port = os.environ["PORT"]
