from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误，请重新输入。连续失败 5 次，账号将被锁定 30 分钟。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class UnlockForm(forms.Form):
    username = forms.CharField(label="账号", max_length=150)


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
        error_messages={"required": "请输入验证码"},
    )


class RecoveryCodeForm(SecondFactorForm):
    """The same step with a recovery code, whose letters need the full keyboard on a phone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "恢复码"
        self.fields["code"].widget.attrs.update({"inputmode": "text", "autocapitalize": "none"})
        self.fields["code"].error_messages["required"] = "请输入恢复码"


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="验证器显示的 6 位验证码",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": "请输入验证器显示的验证码"},
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="原密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "请输入原密码"},
    )
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 12 个字符，不能是常见密码，不能与用户名相似，不能只有数字。",
        error_messages={"required": "请输入新密码"},
    )
    new_password_again = forms.CharField(
        label="再次输入新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "请再次输入新密码"},
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password_again"):
            if data["new_password"] != data["new_password_again"]:
                self.add_error("new_password_again", "两次输入的新密码不一致")
        return data


class ResetSecondFactorForm(forms.Form):
    username = forms.CharField(label="账号", max_length=150)
