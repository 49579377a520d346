import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from backend.crypto.keys import field_keyring
from backend.crypto.rotation import rotate, stale_count


class Command(BaseCommand):
    help = (
        "用当前数据加密密钥（FIELD_ENCRYPTION_KEYS 的第一个）重新加密全部加密字段并重建索引。"
        "可中断、可重复运行：已是当前密钥的数据跳过。--check 只统计尚未轮换的数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只统计，不改动")
        parser.add_argument("--batch", type=int, default=500, help="每个事务处理的行数")

    def handle(self, *args, check, batch, **options):
        current = field_keyring().current.key_id
        if check:
            count = stale_count()
            if count:
                raise CommandError(
                    f"还有 {count} 行数据未使用当前密钥 {current}：请运行 rotate_field_keys",
                    returncode=1,
                )
            self.stdout.write(f"全部加密数据均已使用当前密钥 {current}，旧密钥可以移除。")
            return
        with tqdm(desc="重新加密", unit="行", file=sys.stderr, disable=None) as bar:
            rewritten = rotate(batch=batch, progress=bar.update)
        self.stdout.write(
            self.style.SUCCESS(f"已用密钥 {current} 重新加密 {rewritten} 行数据并重建索引。")
        )
