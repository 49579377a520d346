from django import forms

from ratings.models import ComplaintOutcome, VisitLength

YES_NO = [("yes", "是"), ("no", "否")]


class RatingForm(forms.Form):
    """The firm's answers (the public page); the service checks them again."""

    overall = forms.TypedChoiceField(
        label="总体评价",
        choices=[(str(n), f"{n}分") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择1至5分的总体评价"},
    )
    certificates_shown = forms.ChoiceField(
        label="检查人员是否出示执法证件", choices=YES_NO, widget=forms.RadioSelect
    )
    rights_explained = forms.ChoiceField(
        label="是否告知你单位的权利（陈述、申辩、申请回避等）",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    visit_length = forms.ChoiceField(
        label="检查用时", choices=VisitLength.choices, widget=forms.RadioSelect
    )
    asked_for_favours = forms.ChoiceField(
        label="检查人员是否有索拿卡要（索要财物、吃拿卡要、要求办事）",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    favours_detail = forms.CharField(
        label="索拿卡要的情况",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    comment = forms.CharField(
        label="其他意见和建议",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "overall": data["overall"],
            "certificates_shown": data["certificates_shown"] == "yes",
            "rights_explained": data["rights_explained"] == "yes",
            "visit_length": data["visit_length"],
            "asked_for_favours": data["asked_for_favours"] == "yes",
            "favours_detail": data["favours_detail"],
            "comment": data["comment"],
        }


class ComplaintForm(forms.Form):
    subject = forms.CharField(
        label="投诉事项",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="请用自己的话概括需要检查部门说明的问题；检查部门看不到企业评价原文。",
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="答复内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="办理结果", choices=ComplaintOutcome.choices)
    note = forms.CharField(
        label="办结意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
