"""Log records for production: JSON lines on request, and never a citizen ID.

``MaskCitizenIds`` (a logging filter on the console handler) replaces every run of 13 digits
(Arabic or Thai, with or without dashes or spaces between them) in the message, the arguments
and the traceback text by ``[13 หลัก]``: whatever a message or an exception carries, no citizen
ID reaches a log line. ``JsonFormatter`` writes one JSON object per line
(``DJANGO_LOG_FORMAT=json``) for a log collector; the request's query string is left out.
"""

import datetime
import json
import logging
import re

CITIZEN_ID_RE = re.compile(r"(?<![0-9๐-๙])[0-9๐-๙](?:[-\s]?[0-9๐-๙]){12}(?![0-9๐-๙])")
REPLACEMENT = "[13 หลัก]"


def mask(text):
    return CITIZEN_ID_RE.sub(REPLACEMENT, text)


class MaskCitizenIds(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return True
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


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
            entry["path"] = mask(request.path)
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)
