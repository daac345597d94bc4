"""Log records for production: JSON lines on request, and never a citizen ID.

``MaskCitizenIds`` (a logging filter on the console handler, named here by the settings; its
home is ``sammachip.citizen_id.text``) replaces every ID-like token in the message, the
arguments and the traceback text by ``[13 หลัก]``: whatever a message or an exception carries,
no citizen ID reaches a log line.

``JsonFormatter`` writes one JSON object per line (``DJANGO_LOG_FORMAT=json``) for a log
collector; the request's query string is left out.
"""

import datetime
import json
import logging

from sammachip.citizen_id.text import MaskCitizenIds, replace_ids

__all__ = ["JsonFormatter", "MaskCitizenIds", "mask"]

mask = replace_ids  # what a log line shows of a text: every ID-like token as ``[13 หลัก]``


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...}`` on one line; with the request's method,
    path and status when Django attached them, and the traceback as ``exc``."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = getattr(request, "method", "")
            entry["path"] = replace_ids(request.path)
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info and not record.exc_text:
            record.exc_text = replace_ids(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)
