package social

// Builtin returns the table of providers Gatehouse knows, a fresh slice
// (the Providers are shared: do not change them; copy one to change it).
// A provider is one small file with its Provider, a fixture in
// testdata/<id>/ and a line here; the shared login test walks this table.
func Builtin() []*Provider {
	return []*Provider{
		Google,
		GitHub,
		X,
		VK,
		Yandex,
		TelegramOIDC,
		Telegram,
		OpenIDConnect,
	}
}

// ProviderIDOIDC is the generic OpenID Connect provider's id.
const ProviderIDOIDC = "openid_connect"

// LoginPath returns the path that starts a login with the app (allauth's
// URLs): /accounts/<provider>/login/, /accounts/oidc/<app id>/login/ for
// the generic OpenID Connect provider, with ?app=<app id> for a second app
// of another provider.
func LoginPath(provider, appID string) string {
	if provider == ProviderIDOIDC {
		return "/accounts/oidc/" + appID + "/login/"
	}
	if appID != "" {
		return "/accounts/" + provider + "/login/?app=" + appID
	}
	return "/accounts/" + provider + "/login/"
}

// CallbackPath returns the path of the app's callback, the redirect URI
// registered at the provider: /accounts/<provider>/login/callback/, or
// /accounts/oidc/<app id>/login/callback/. Apps of one provider other than
// the generic one share a callback: the state names the app.
func CallbackPath(provider, appID string) string {
	if provider == ProviderIDOIDC {
		return "/accounts/oidc/" + appID + "/login/callback/"
	}
	return "/accounts/" + provider + "/login/callback/"
}
