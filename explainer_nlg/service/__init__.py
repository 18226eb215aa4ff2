"""The service layer the shells share (no Gradio here): models and who owns them, request checks,
one error boundary, answers shaped for an API. ``ui/`` lays out the page on top of it; a REST API
mounts the same ``Service`` methods and maps ``ServiceError.status`` to its HTTP status.
"""

from .core import Service, answer_dict, evidence_panel, json_safe
from .custom_models import UploadPolicy
from .errors import ServiceError, TooLarge, as_service_error, guarded

__all__ = ["Service", "ServiceError", "TooLarge", "UploadPolicy", "answer_dict", "as_service_error",
           "evidence_panel", "guarded", "json_safe"]
