import os

from flask import Flask

app = Flask(__name__)
app.config["DEBUG"] = os.getenv("FLASK_DEBUG_TOOLBAR")
