from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    verbose_name = _("Phản ánh, kiến nghị")

    def ready(self) -> None:
        from .topics import seed_default_topics

        # After migrate, and after a flush (tests): the default topics when there are none.
        post_migrate.connect(seed_default_topics, sender=self, dispatch_uid="feedback-topics")
