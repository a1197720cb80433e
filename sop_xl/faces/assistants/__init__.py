"""The sales assistants' monthly round (销售内勤 M+3 预测): split and collect.

``split(master, out_dir)`` writes one workbook per sales assistant with only their items
(sop_xl.faces.assistants.book); ``collect(folder, master)`` checks the returned workbooks
(sop_xl.faces.assistants.returned) and consolidates the good ones into the master's SalesForecast,
logging each in the Submissions sheet (sop_xl.faces.assistants.collect).

Pure parts — who forecasts what (``assignment``) and the figures an assistant sees and is
checked against (``figures``) — never touch a workbook.
"""

from sop_xl.faces.assistants.assignment import Assignment, Assignments, assign
from sop_xl.faces.assistants.collect import CollectReport, collect
from sop_xl.faces.assistants.figures import AssistantFigures, achievement, needs_reason
from sop_xl.faces.assistants.split import SplitReport, split

__all__ = [
    "Assignment",
    "Assignments",
    "AssistantFigures",
    "CollectReport",
    "SplitReport",
    "achievement",
    "assign",
    "collect",
    "needs_reason",
    "split",
]
