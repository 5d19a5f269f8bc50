"""Logging filters named in settings.LOGGING."""

import logging


class WarningWithoutTraceback(logging.Filter):
    """Log the record as a one-line WARNING, without its traceback.

    Django logs every request with a disallowed ``Host`` header on
    ``django.security.DisallowedHost`` at ERROR with the exception's
    traceback. Any scanner on the internet sends such requests; they are
    answered with a 400 and are no error of ours, but an operator may want
    to see that they happen.
    """

    def filter(self, record):
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True
