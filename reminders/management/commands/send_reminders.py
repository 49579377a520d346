from datetime import date

from django.core.management.base import BaseCommand, CommandError

from backend.notifications.models import NotificationKind
from reminders.daily import RemindersFailed, send_daily_reminders


class Command(BaseCommand):
    help = (
        "发送每日提醒（执法证到期、培训学时、法制审核、结果公示、后续处置、补办审批）。"
        "同一天重复运行不会重复提醒。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天发送（YYYY-MM-DD），默认今天")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['date']}") from None
        try:
            sent = send_daily_reminders(today)
        except RemindersFailed as failure:
            self._summary(failure.sent)
            raise CommandError(f"{failure}（详见日志；可重新运行，已发送的不会重复）") from None
        self._summary(sent)

    def _summary(self, sent) -> None:
        for kind in NotificationKind:
            if sent.get(kind):
                self.stderr.write(f"{kind.label}：{sent[kind]} 条")
        self.stdout.write(f"已发送提醒 {sum(sent.values())} 条。")
