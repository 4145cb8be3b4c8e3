import os

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/scout")
def scout():
    return jsonify(items=[], workspace=os.environ["COZE_WORKSPACE_PATH"])
