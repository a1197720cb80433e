Attribute VB_Name = "SopErrors"
' The S&OP worksheet functions' error values. Python answers a bad argument with text
' that starts with the error it means ("#NUM! lead time must be >= 0; got -1"): xlwings
' cannot hand an error value back from Python. ToCellError, called by every wrapper in
' xlwings_udfs right after the call, turns that text into the real error value, which
' IFERROR and ISERROR catch and SUM refuses, and keeps the words for SOP_WHY.
' Source of truth: sop_xl/excel/macros in sop_xl. Keep this file ASCII.
Option Explicit

' The reasons of the cells whose S&OP function failed, by "[book]sheet!$A$1". Kept while
' the workbook is open; a recalculation (Ctrl+Alt+F9) fills it again after opening.
Private reasons As Collection

Public Function ToCellError(ByVal result As Variant, ByVal caller As Variant) As Variant
    Dim code As Long
    ToCellError = result
    If VarType(result) = vbString Then code = ErrorCode(CStr(result))
    If code = 0 Then
        Forget caller
        Exit Function
    End If
    Remember caller, Reason(CStr(result))
    ToCellError = CVErr(code)
End Function

' =SOP_WHY(A1): why the S&OP function in A1 gave an error value; "" when it gave none.
Public Function SOP_WHY(ByVal cell As Range) As String
    Dim key As String
    key = CellKey(cell)
    If reasons Is Nothing Or key = "" Then Exit Function
    On Error Resume Next
    SOP_WHY = reasons(key)
End Function

' The error value a tagged answer names (0: not a tagged answer).
Private Function ErrorCode(ByVal text As String) As Long
    Dim tag As String
    tag = Split(text & " ", " ")(0)
    Select Case tag
        Case "#VALUE!": ErrorCode = xlErrValue
        Case "#NUM!": ErrorCode = xlErrNum
        Case "#DIV/0!": ErrorCode = xlErrDiv0
        Case "#N/A": ErrorCode = xlErrNA
        Case Else: ErrorCode = 0
    End Select
End Function

Private Function Reason(ByVal text As String) As String
    Dim at As Long
    at = InStr(text, " ")
    If at > 0 Then Reason = Mid$(text, at + 1)
End Function

Private Function CellKey(ByVal where As Variant) As String
    If Not IsObject(where) Then Exit Function
    If Not TypeOf where Is Range Then Exit Function
    CellKey = where.Cells(1, 1).Address(External:=True)
End Function

Private Sub Remember(ByVal caller As Variant, ByVal text As String)
    Dim key As String
    key = CellKey(caller)
    If key = "" Then Exit Sub
    If reasons Is Nothing Then Set reasons = New Collection
    Forget caller
    reasons.Add text, key
End Sub

Private Sub Forget(ByVal caller As Variant)
    Dim key As String
    key = CellKey(caller)
    If reasons Is Nothing Or key = "" Then Exit Sub
    On Error Resume Next
    reasons.Remove key
End Sub
