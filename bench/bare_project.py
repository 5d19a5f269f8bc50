"""A bare Django project, as ``django-admin startproject`` makes it, with one
view: the ceiling that bench/serve.py measures our own bare view against.

    gunicorn -c ../gunicorn.conf.py bare_project:application   (from bench/)
"""

import os

# startproject's MIDDLEWARE (Django 5.2).
STARTPROJECT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def _application():
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only-" + "x" * 40,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
        ],
        MIDDLEWARE=STARTPROJECT_MIDDLEWARE,
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        # Never opened by the view.
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.environ.get("BARE_SQLITE_PATH", ":memory:"),
            }
        },
        LANGUAGE_CODE="en-us",
        TIME_ZONE="UTC",
        USE_I18N=True,
        USE_TZ=True,
        STATIC_URL="static/",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    return get_wsgi_application()


def ceiling(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def __getattr__(name):
    # Settings are configured when gunicorn asks for the application, not
    # when bench/middleware_cost.py imports the middleware list.
    if name == "application":
        global application
        application = _application()
        return application
    if name == "urlpatterns":
        from django.urls import path

        return [path("bench/ceiling", ceiling)]
    raise AttributeError(name)
