"""The result table seeded with the official wording (domain.md, Result categories)."""

from django.db import migrations

# (code, name, parent code, exclusive, needs follow-up)
CODES = [
    ("no-problem", "未发现问题", None, True, False),
    ("rectified", "发现问题已责令改正", None, False, False),
    ("follow-up", "发现问题待后续处理", None, False, True),
    ("follow-up-disclosure", "未按规定公示应当公示的信息", "follow-up", False, True),
    ("follow-up-false-disclosure", "公示信息隐瞒真实情况弄虚作假", "follow-up", False, True),
    ("follow-up-unreachable", "通过登记的住所（经营场所）无法联系", "follow-up", False, True),
    ("follow-up-other", "违反其他相关规定", "follow-up", False, True),
    ("no-activity", "未发现开展本次抽查涉及的经营活动", None, False, False),
    ("unreachable", "通过登记的住所（经营场所）无法联系", None, False, False),
    ("closed", "已关闭停业或正在组织清算", None, False, False),
    ("uncooperative", "不配合检查情节严重", None, False, True),
    ("deregistered", "注销", None, False, False),
    ("revoked", "被吊销", None, False, False),
    ("cancelled", "被撤销", None, False, False),
    ("moved-out", "迁出", None, False, False),
]


def seed(apps, schema_editor):
    ResultCode = apps.get_model("fieldwork", "ResultCode")
    made = {}
    for position, (code, name, parent, exclusive, follow_up) in enumerate(CODES, start=1):
        made[code], _ = ResultCode.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": made.get(parent),
                "position": position * 10,
                "exclusive": exclusive,
                "needs_follow_up": follow_up,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0002_records_and_evidence_append_only")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
