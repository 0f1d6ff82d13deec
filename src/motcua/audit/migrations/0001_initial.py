# The tables are created by Django, then handed over (managed = False: ``flush`` and the test
# runner leave them alone), and triggers make the entries and signed heads append-only in the
# database itself (0002).

from django.db import migrations, models

GENESIS = "0" * 64


def create_head(apps, schema_editor):
    ChainHead = apps.get_model("audit", "ChainHead")
    ChainHead.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"sequence": 0, "hash": GENESIS}
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Entry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sequence", models.PositiveBigIntegerField(unique=True, verbose_name="số thứ tự")),
                ("recorded_at", models.DateTimeField(db_index=True, verbose_name="thời điểm")),
                ("event", models.CharField(db_index=True, max_length=64, verbose_name="sự kiện")),
                ("actor_id", models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name="mã người dùng")),
                ("actor", models.CharField(blank=True, max_length=200, verbose_name="người thực hiện")),
                ("address", models.CharField(blank=True, max_length=64, verbose_name="địa chỉ IP")),
                ("session", models.CharField(blank=True, max_length=64, verbose_name="phiên (mã băm)")),
                ("token_id", models.BigIntegerField(blank=True, null=True, verbose_name="mã truy cập API")),
                ("target", models.CharField(blank=True, max_length=255, verbose_name="đối tượng")),
                ("detail", models.JSONField(blank=True, default=dict, verbose_name="chi tiết")),
                ("previous_hash", models.CharField(max_length=64, verbose_name="mã băm mục trước")),
                ("hash", models.CharField(max_length=64, verbose_name="mã băm")),
            ],
            options={
                "verbose_name": "mục nhật ký kiểm toán",
                "verbose_name_plural": "nhật ký kiểm toán",
                "db_table": "audit_entry",
                "ordering": ["-sequence"],
            },
        ),
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sequence", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"db_table": "audit_head"},
        ),
        migrations.CreateModel(
            name="SignedHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sequence", models.PositiveBigIntegerField(verbose_name="số thứ tự")),
                ("hash", models.CharField(max_length=64, verbose_name="mã băm")),
                ("signed_at", models.DateTimeField(verbose_name="ký lúc")),
                ("key_name", models.CharField(max_length=100, verbose_name="khóa ký")),
                ("certificate", models.TextField(verbose_name="chứng thư số (PEM)")),
                ("signature", models.TextField(verbose_name="chữ ký (base64)")),
            ],
            options={
                "verbose_name": "đầu chuỗi đã ký",
                "verbose_name_plural": "đầu chuỗi đã ký",
                "db_table": "audit_signed_head",
                "ordering": ["-signed_at"],
            },
        ),
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="entry",
            options={
                "managed": False,
                "ordering": ["-sequence"],
                "verbose_name": "mục nhật ký kiểm toán",
                "verbose_name_plural": "nhật ký kiểm toán",
            },
        ),
        migrations.AlterModelOptions(name="chainhead", options={"managed": False}),
        migrations.AlterModelOptions(
            name="signedhead",
            options={
                "managed": False,
                "ordering": ["-signed_at"],
                "verbose_name": "đầu chuỗi đã ký",
                "verbose_name_plural": "đầu chuỗi đã ký",
            },
        ),
    ]
