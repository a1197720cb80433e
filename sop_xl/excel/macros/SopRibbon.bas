Attribute VB_Name = "SopRibbon"
' Ribbon callbacks for the S&OP tab (macros/customUI14.xml): one Sub per button, each
' calling exactly one Python entry point in sop_xl.excel.ribbon through xlwings
' RunPython. The list of buttons lives in sop_xl/excel/entry_points.py; tests check
' that this module, the ribbon XML and that list agree. Source of truth: macros/.
Option Explicit

' The add-in's file name: while it is open, the master's own groups hide (one tab).
Private Const ADDIN_NAME As String = "sop_xl.xlam"

' getVisible of the master workbook's groups (the add-in's groups have none).
Public Sub SopMasterGroupVisible(control As IRibbonControl, ByRef visible)
    visible = Not SopAddinOpen()
End Sub

Private Function SopAddinOpen() As Boolean
    Dim wb As Workbook
    On Error Resume Next
    Set wb = Application.Workbooks(ADDIN_NAME)
    SopAddinOpen = Not wb Is Nothing
End Function

' ---- Forecast ----

Public Sub SopRefreshForecast(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Refresh Forecast"
    RunPython "import sop_xl.excel.ribbon as r; r.refresh_forecast()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Refresh Forecast"
End Sub

Public Sub SopAccuracy(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Accuracy"
    RunPython "import sop_xl.excel.ribbon as r; r.accuracy()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Accuracy"
End Sub

' ---- Sales Assistants ----

Public Sub SopAssistantsSplit(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Split to Assistants"
    RunPython "import sop_xl.excel.ribbon as r; r.assistants_split()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Split to Assistants"
End Sub

Public Sub SopAssistantsCollect(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Collect Forecasts"
    RunPython "import sop_xl.excel.ribbon as r; r.assistants_collect()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Collect Forecasts"
End Sub

' ---- Plan ----

Public Sub SopDemandPlan(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Demand Plan"
    RunPython "import sop_xl.excel.ribbon as r; r.demand_plan()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Demand Plan"
End Sub

Public Sub SopRunMps(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Run MPS"
    RunPython "import sop_xl.excel.ribbon as r; r.run_mps()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Run MPS"
End Sub

Public Sub SopRunMrp(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Run MRP"
    RunPython "import sop_xl.excel.ribbon as r; r.run_mrp()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Run MRP"
End Sub

Public Sub SopCapacity(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Capacity"
    RunPython "import sop_xl.excel.ribbon as r; r.capacity()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Capacity"
End Sub

' ---- Versions ----

Public Sub SopSaveVersion(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Save Version"
    RunPython "import sop_xl.excel.ribbon as r; r.save_version()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Save Version"
End Sub

Public Sub SopCompareVersions(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Compare"
    RunPython "import sop_xl.excel.ribbon as r; r.compare_versions()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Compare"
End Sub

Public Sub SopApproveVersion(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Approve"
    RunPython "import sop_xl.excel.ribbon as r; r.approve_version()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Approve"
End Sub

Public Sub SopTransfer(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Transfer"
    RunPython "import sop_xl.excel.ribbon as r; r.transfer()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Transfer"
End Sub

' ---- Meeting ----

Public Sub SopBuildMeetingPack(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Build Meeting Pack"
    RunPython "import sop_xl.excel.ribbon as r; r.build_meeting_pack()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Build Meeting Pack"
End Sub

' ---- Setup ----

Public Sub SopValidate(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Validate"
    RunPython "import sop_xl.excel.ribbon as r; r.validate()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Validate"
End Sub

Public Sub SopCheckSetup(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Check Setup"
    RunPython "import sop_xl.excel.ribbon as r; r.check_setup()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Check Setup"
End Sub

Public Sub SopLanguageEn(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Language EN"
    RunPython "import sop_xl.excel.ribbon as r; r.language_en()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Language EN"
End Sub

Public Sub SopLanguageZh(control As IRibbonControl)
    On Error GoTo Failed
    SopBegin "Language ZH"
    RunPython "import sop_xl.excel.ribbon as r; r.language_zh()"
    SopEnd
    Exit Sub
Failed:
    SopFail "Language ZH"
End Sub
