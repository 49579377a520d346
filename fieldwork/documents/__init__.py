"""行政检查文书: the 行政检查审批表, the 检查通知书 and the 检查结果告知书 (国办发〔2024〕54号
and the Ministry of Justice's 《行政检查文书基本格式文本(试行)》, 2025).

Each document is built once, as blocks (`blocks.py`), from the inspection's records
(`content.py`); the printable page (`fieldwork/document.html`) and the Word file (`word.py`,
python-docx) render the same blocks, so the two can never say different things.
"""
