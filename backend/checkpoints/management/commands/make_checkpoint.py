from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from backend.checkpoints import registry
from backend.checkpoints.services import make_checkpoint


class Command(BaseCommand):
    help = (
        "生成并签署各哈希链（审计日志、全过程记录、抽取、公示结果）的检查点；"
        "每日由定时任务运行（见 docs/checkpoints-and-encryption.md）。"
        "数据库与上一检查点不符时拒绝并退出码 1。"
    )

    def handle(self, *args, **options):
        try:
            checkpoint = make_checkpoint()
        except ValidationError as error:
            raise CommandError(f"未生成检查点：{'；'.join(error.messages)}", returncode=1) from None
        chains = checkpoint.body["chains"]
        summary = "，".join(
            f"{_label(name)} {entry.get('size', 0)}" for name, entry in chains.items()
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成检查点 #{checkpoint.sequence}（{checkpoint.algorithm} 签名，"
                f"摘要 {checkpoint.sha256[:16]}…）：{summary}"
            )
        )


def _label(name: str) -> str:
    chain = registry.get(name)
    return chain.label if chain else name
