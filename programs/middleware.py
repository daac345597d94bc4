"""Every web request checks the year lock (``programs.locking``) from one read of the reports."""

from programs import locking


class YearLockCacheMiddleware:
    """Runs the request inside ``locking.cached()``: the locking reports are read at most once
    per request (on the first check; a request that checks nothing reads nothing), whichever
    door it takes — an admin form and its inlines, a changelist action, a delete confirmation,
    the team grid, the household import, the field app. A report moved during the request
    (``programs.reporting``) is read again (``locking.forget``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with locking.cached():
            return self.get_response(request)
