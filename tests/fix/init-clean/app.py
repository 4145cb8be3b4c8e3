import os

from flask import Flask

app = Flask(__name__)
DEBUG = os.environ.get("APP_DEBUG", "no")
STRIPE = os.environ["STRIPE_API_KEY"]
TIMEOUT = os.getenv("TIMEOUT", "0123")
DB = os.environ.get("DATABASE_URL")
NO = os.getenv("NO")
