import os

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/scout")
def scout():
    return jsonify(items=[], workspace=os.environ.get("COZE_WORKSPACE_PATH", "/workspace/projects"), ranked=bool(os.environ.get("ARK_API_KEY")))


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", 5000)))
