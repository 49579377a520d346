from backend.imports.command import ImportCommand


class Command(ImportCommand):
    help = (
        "从 .xlsx、.xls、.ods、.csv 或 .txt 导入本部门的执法人员及其执法证"
        "（按公民身份号码、证件号码新增或更新）。"
        "须用 --department CODE 指定部门。默认有任何错误行则不导入；--valid-only 只导入有效行；"
        "--dry-run 只试算。--template OUT.xlsx 写出空白模板。"
    )
    kind = "officers"
