import os

# Nothing may come from a model hub: every demo must load with the hub switched off.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
