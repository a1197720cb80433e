Attribute VB_Name = "SopCommon"
' Shared helpers for the S&OP ribbon callbacks in SopRibbon: status bar, wait cursor
' and error display. Python errors are shown by xlwings itself (RunPython); these
' helpers only cover errors raised in VBA (e.g. the xlwings runtime not finding Python).
'
' Keep this file ASCII: VBA stores source in the ANSI code page of the project, so
' Chinese text belongs in Python, not here. Source of truth: macros/ in sop_xl.
Option Explicit

Private Const SOP_TITLE As String = "S&OP"

' Show what is running, before a possibly long Python call.
Public Sub SopBegin(ByVal action As String)
    Application.StatusBar = SOP_TITLE & ": " & action & " ..."
    Application.Cursor = xlWait
End Sub

' Put the status bar and cursor back after the call.
Public Sub SopEnd()
    Application.Cursor = xlDefault
    Application.StatusBar = False
End Sub

' Report a VBA error raised while running an action, then tidy up.
Public Sub SopFail(ByVal action As String)
    Dim message As String
    message = "Error " & Err.Number & ": " & Err.Description
    SopEnd
    MsgBox action & " failed." & vbCrLf & vbCrLf & message, vbExclamation, SOP_TITLE
End Sub
