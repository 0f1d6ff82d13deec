"""`motcua init_signing [--force] [--revoke SERIAL]`: the development PKI (documents/pki.py)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.documents import pki
from motcua.identity.models import Agency


class Command(BaseCommand):
    # Plain text: argparse cannot format a lazy translation, and Django's own commands
    # keep their --help untranslated too.
    help = (
        "Tạo khóa ký số thử nghiệm (CA gốc, một chứng thư số cho mỗi cơ quan, dấu thời gian, "
        "danh sách thu hồi). Chỉ dùng cho môi trường phát triển."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help=_("Tạo lại mọi khóa, kể cả khóa đã có.")
        )
        parser.add_argument(
            "--revoke",
            metavar="SERIAL",
            help=_("Thu hồi chứng thư số có số hiệu (hệ 16) này và cấp lại danh sách thu hồi."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "IS_PRODUCTION", False):
            # Keys whose passphrase lies next to them are not signing keys for real documents.
            raise CommandError(
                _(
                    "Khóa ký số thử nghiệm không được dùng khi MOTCUA_ENV=production: "
                    "hãy cấu hình khóa thật (MOTCUA_SIGNING_KEYS_FILE)."
                )
            )
        directory = pki.default_directory()
        if options["revoke"]:
            self._revoke(directory, options["revoke"])
            return

        agencies = list(
            Agency.objects.exclude(electronic_id="")
            .order_by("electronic_id")
            .values_list("electronic_id", "name")
        )
        started = time.monotonic()
        report = pki.init_signing(directory, agencies, force=options["force"])
        elapsed = time.monotonic() - started

        out = self.stdout
        out.write(
            _(
                "Thư mục khóa ký số: %(dir)s (tạo mới %(created)d, giữ nguyên %(kept)d; "
                "%(s).1f giây)"
            )
            % {
                "dir": directory,
                "created": len(report.created),
                "kept": len(report.kept),
                "s": elapsed,
            }
        )
        # Hundreds of agencies in a province: the serials only when asked (-v 2).
        serials = report.serials.items() if options["verbosity"] >= 2 else []
        for electronic_id, serial in serials:
            out.write(
                "  "
                + _("%(agency)s: số hiệu chứng thư %(serial)s")
                % {"agency": electronic_id, "serial": serial}
            )
        out.write(
            self.style.WARNING(
                _(
                    "Đây là khóa THỬ NGHIỆM: mật khẩu nằm cạnh tệp khóa. Không dùng để ký văn bản "
                    "thật."
                )
            )
        )
        out.write(
            _("Chứng thư số gốc: %(pem)s (DER: %(der)s)")
            % {
                "pem": report.root_certificate,
                "der": directory / "root.cer",
            }
        )
        out.write(_("Để trình đọc PDF tin cậy chữ ký thử nghiệm, nhập chứng thư gốc này:"))
        out.write(
            "  - "
            + _(
                "Adobe Acrobat Reader: Chỉnh sửa (Edit) > Tùy chọn (Preferences) > Chữ ký "
                "(Signatures) > Danh tính và chứng thư tin cậy (Identities & Trusted "
                "Certificates) > Chứng thư tin cậy > Nhập (Import), rồi đánh dấu "
                '"Dùng làm gốc tin cậy" (Use this certificate as a trusted root).'
            )
        )
        out.write(
            "  - "
            + _("Okular, Evince, Firefox (NSS): %(command)s")
            % {
                "command": f'certutil -d sql:$HOME/.pki/nssdb -A -t "C,," '
                f'-n "Mot Cua Dev Root" -i {report.root_certificate}'
            }
        )

    def _revoke(self, directory: Any, serial: str) -> None:
        try:
            number = pki.parse_serial(serial)
        except ValueError:
            raise CommandError(
                _("Số hiệu chứng thư không hợp lệ: %(serial)s") % {"serial": serial}
            ) from None
        if not (directory / "root.key.pem").exists():
            raise CommandError(_("Chưa có CA gốc thử nghiệm. Chạy: motcua init_signing"))
        path = pki.revoke(directory, number)
        self.stdout.write(
            _("Đã thu hồi chứng thư %(serial)s; danh sách thu hồi mới: %(crl)s")
            % {"serial": format(number, "x"), "crl": path}
        )
