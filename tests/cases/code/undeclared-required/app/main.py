import os

from flask import Flask

app = Flask(__name__)
app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
if "SENTRY_DSN" in os.environ:
    app.config["SENTRY_DSN"] = os.environ["SENTRY_DSN"]
try:
    app.config["TEAM"] = os.environ["TEAM"]
except KeyError:
    pass
render_url = os.environ["RENDER_EXTERNAL_URL"]
home = os.environ["HOME"]
uploads = os.environ["UPLOAD_DIR"]
