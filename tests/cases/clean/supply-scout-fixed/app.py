import os

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/scout")
def scout():
    ranked = bool(os.environ.get("ARK_API_KEY"))  # optional: ranking by the model
    return jsonify(items=[], workspace=os.environ["COZE_WORKSPACE_PATH"], ranked=ranked)
