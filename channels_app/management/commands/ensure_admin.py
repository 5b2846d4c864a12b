"""Make sure an admin account exists, without ever shipping a default password.

From DJANGO_SUPERUSER_USERNAME / _PASSWORD / _EMAIL when set (the password is
updated to match); otherwise, when no superuser exists at all, create ``admin``
with a random password, print it once and keep it in DATA_DIR/.admin_password
(0600, as Flower's), so a lost terminal does not lose the only account.
"""
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from archiver.private_files import write_private


class Command(BaseCommand):
    help = "Create (or update) the admin account from the environment; never a default password."

    def handle(self, *args, **options):
        users = get_user_model()
        wanted = settings.SUPERUSER
        username, password, email = wanted["USERNAME"], wanted["PASSWORD"], wanted["EMAIL"]
        if username:
            if not password:
                raise CommandError("DJANGO_SUPERUSER_USERNAME is set but DJANGO_SUPERUSER_PASSWORD is not.")
            user, created = users.objects.get_or_create(username=username, defaults={"email": email})
            user.is_staff = user.is_superuser = True
            if email:
                user.email = email
            user.set_password(password)
            user.save()
            self.stdout.write(f"Admin account {username!r} {'created' if created else 'updated'}.")
            return
        if users.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(18)
        users.objects.create_superuser("admin", email or "", password)
        kept = write_private(settings.DATA_DIR / ".admin_password", password + "\n")
        self.stdout.write(self.style.WARNING(
            f"Created admin account 'admin' with password: {password}\n"
            f"It is shown only this once (kept in {kept}); change it in the admin, or set "
            "DJANGO_SUPERUSER_PASSWORD."
        ))
