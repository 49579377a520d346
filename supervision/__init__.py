"""行政执法监督 (《行政执法监督条例》, 国办发〔2024〕54号): the 司法行政部门's supervisor
reads every department's inspections, sees the warnings of 多头, 重复, 高频 and 超期
inspections (computed by queries over the records, `supervision.alerts`), and records
监督意见 that the department answers.

It sits above fieldwork and legal review and below disclosure: it reads them all and writes only
its own opinions. Planning's task page shows the same warnings through a registered section.
"""
