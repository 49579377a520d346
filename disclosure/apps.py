from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "结果公示与统计"

    def ready(self) -> None:
        # The draws and the published results are signed in every checkpoint, and proven
        # included to the public (backend.checkpoints).
        from backend.checkpoints.registry import register
        from disclosure.checkpoint_chains import DRAWS_CHAIN, RESULTS_CHAIN

        register(DRAWS_CHAIN)
        register(RESULTS_CHAIN)
