"""gunicorn's logs without personal data (gunicorn.conf.py: logger_class). The access log's format
prints the path (%(U)s), never the query string, where a search typed into a GET form would be; an
ID number typed into a path is blotted out as in every other log (unionportal.logfilters). The
atoms that could carry either are emptied, so that a format changed later cannot bring them back.
The error log ("Error handling request /people/…?q=…") goes through the portal's filter."""

from gunicorn import glogging

from .logfilters import RedactPersonalData, redact


class AccessLog(glogging.Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, RedactPersonalData) for existing in log.filters):
                log.addFilter(RedactPersonalData())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact(atoms.get("U") or "")
        atoms.update(U=path, q="", r=f"{atoms.get('m')} {path} {atoms.get('H')}", f="-")
        for key in [key for key in atoms if key.endswith("}e")]:  # the environment: QUERY_STRING, RAW_URI…
            del atoms[key]
        return atoms
