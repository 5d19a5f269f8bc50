import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

USERNAME = "editor"


class Command(BaseCommand):
    help = (
        "Development only: create the local editor account (in the Editors "
        "group) with a random password, and print how to log in."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create a local editor with production settings "
                "(DJANGO_DEBUG is off). Use 'manage.py createsuperuser' instead."
            )
        password_file = settings.VAR_DIR / "editor-password.txt"
        User = get_user_model()
        user = User.objects.filter(username=USERNAME).first()
        if user is None or not password_file.exists():
            password = secrets.token_urlsafe(12)
            if user is None:
                user = User(username=USERNAME, is_staff=True)
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name="Editors"))
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        password = password_file.read_text().strip()
        self.stdout.write(
            self.style.SUCCESS(
                "\nEditors log in at http://127.0.0.1:8000/admin/ as "
                f"'{USERNAME}' with password '{password}'\n"
                f"(kept in {password_file}; delete that file to get a new one).\n"
            )
        )
