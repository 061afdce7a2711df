// Package social is social login: what django-allauth's socialaccount app
// gives, for Go. An operator registers apps at providers (Google, GitHub,
// VK, Yandex, Telegram, X, any OpenID Connect issuer); a user signs in with
// one, signs up through one, or connects several to an account. Identity is
// the provider's stable id for the person, never the email address.
package social
