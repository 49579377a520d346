"""The demo story (`manage.py seed_demo`): the 2021 joint inspection of foreign work permits by
a city's Science and Technology, Public Security and HR bureaus, from the accounts to the closed
inspections.

The top of the layers: each part seeds one layer through that layer's services, in the order of
DEMO_PARTS (demo/management/commands/seed_demo.py), and may import anything below; nothing
imports it but its command and the tests. A production installation never runs it.
"""
