from backend.imports.command import ImportCommand


class Command(ImportCommand):
    help = (
        "从 .xlsx、.xls、.ods、.csv 或 .txt 导入检查对象名录（按统一社会信用代码新增或更新）。"
        "默认有任何错误行则不导入；--valid-only 只导入有效行；--dry-run 只试算。"
        "--template OUT.xlsx 写出空白模板。"
    )
    kind = "firms"
