"""The WSGI application that gunicorn and granian serve (`motcua serve` starts them).

It refuses to load with a development configuration unless `motcua serve` said the server
listens on loopback (motcua.core.deployment): a server started by hand on a public address
with the development secrets would accept forged sessions and payment notifications.
"""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from motcua.core.deployment import bound_host, start_refusal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = get_wsgi_application()

if refusal := start_refusal(bound_host(), settings):
    raise ImproperlyConfigured(refusal)
