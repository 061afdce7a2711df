package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/social"
)

// socialCommands are the subcommands of "gatehouse social".
func socialCommands() []command {
	return []command{
		{name: "app", doc: "add, list and remove the apps registered at social login providers", sub: socialAppCommands()},
	}
}

// socialAppCommands are the subcommands of "gatehouse social app".
func socialAppCommands() []command {
	return []command{
		{name: "add", args: "--provider PROVIDER [--id ID] --client-id X [--secret-stdin | --secret-file PATH] [--key K] [--server-url ISSUER] [--scope S ...] [--name N] [--setting K=V ...]",
			doc: "add or replace a provider app (its secret from standard input or a file, stored sealed under the secret key)", run: socialAppAdd},
		{name: "list", args: "[--json]", doc: "list the apps of the config file and of the database, with their callback URLs (never their secrets)", run: socialAppList},
		{name: "remove", args: "PROVIDER [ID]", doc: "remove a stored app (its users' connections stay)", run: socialAppRemove},
	}
}

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func socialAppAdd(ctx context.Context, f *cmdFlags, args []string) error {
	provider := f.String("provider", "", "the provider: "+strings.Join(providerIDs(), ", "))
	id := f.String("id", "", "the app id: the NAME of /accounts/oidc/NAME/ for openid_connect, else to tell apart several apps of one provider")
	clientID := f.String("client-id", "", "the client id the provider gave")
	secretStdin := f.Bool("secret-stdin", false, "read the client secret (the bot token for telegram) from standard input, one line")
	secretFile := f.String("secret-file", "", "read the client secret from the first line of `PATH`")
	key := f.String("key", "", "the app's key, for providers that use one")
	serverURL := f.String("server-url", "", "the issuer of an OpenID Connect provider (openid_connect)")
	name := f.String("name", "", "the name on the login buttons (default: the provider's)")
	var scopes, settings repeated
	f.Var(&scopes, "scope", "an extra scope besides the provider's defaults (repeat for more)")
	f.Var(&settings, "setting", "an app setting `KEY=VALUE` (auth_url, verified_email, pkce …; repeat for more)")
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	switch {
	case *provider == "":
		return &usageError{cmd: f.name, msg: "--provider is required; one of " + strings.Join(providerIDs(), ", ")}
	case *secretStdin && *secretFile != "":
		return &usageError{cmd: f.name, msg: "--secret-stdin and --secret-file exclude each other"}
	}
	app := &social.App{Provider: *provider, AppID: *id, Name: *name, ClientID: *clientID, Key: *key,
		ServerURL: *serverURL, Scopes: scopes, Settings: map[string]string{}}
	for _, kv := range settings {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return &usageError{cmd: f.name, msg: fmt.Sprintf("--setting %q: use KEY=VALUE", kv)}
		}
		app.Settings[k] = v
	}
	var err error
	switch {
	case *secretStdin:
		app.Secret, err = firstLine(f.e.stdin, "standard input (--secret-stdin)")
	case *secretFile != "":
		var fh *os.File
		if fh, err = os.Open(*secretFile); err == nil {
			app.Secret, err = firstLine(fh, *secretFile)
			fh.Close()
		}
	}
	if err != nil {
		return err
	}
	return withAdmin(ctx, f.e, func(a *admin) error {
		// The secret is sealed under serve's secret key: a key made up for
		// this run would leave the server unable to open it.
		if k, err := existingSecretKey(f.e.settings); err != nil {
			return err
		} else if k == nil {
			return errors.New("social app add: no secret key yet (secret_key or secret_key_file): the app's secret is sealed with the server's key; run 'gatehouse serve' once or set GATEHOUSE_SECRET_KEY")
		}
		svc := a.gh.Social()
		if svc == nil {
			return errors.New("social login is off in this configuration")
		}
		if err := svc.SaveApp(ctx, app); err != nil {
			return err
		}
		fmt.Fprintf(f.e.stdout, "App %s saved. Register this callback URL at the provider: %s\n", appLabel(app.Provider, app.AppID),
			strings.TrimRight(svc.Config.SiteURL, "/")+social.CallbackPath(app.Provider, app.AppID))
		return nil
	})
}

// firstLine reads a secret: the first line of r, which must not be empty.
func firstLine(r io.Reader, from string) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, 16<<10))
	if err != nil {
		return "", fmt.Errorf("read the secret from %s: %w", from, err)
	}
	s, _, _ := strings.Cut(string(b), "\n")
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("no secret in %s", from)
	}
	return s, nil
}

// socialAppJSON is an app in `social app list --json`: never its secret
// or key, only whether it has them.
type socialAppJSON struct {
	Provider    string            `json:"provider"`
	ID          string            `json:"id"`
	Name        string            `json:"name,omitempty"`
	ClientID    string            `json:"client_id"`
	HasSecret   bool              `json:"has_secret"`
	HasKey      bool              `json:"has_key"`
	ServerURL   string            `json:"server_url,omitempty"`
	Scopes      []string          `json:"scopes"`
	Settings    map[string]string `json:"settings"`
	CallbackURL string            `json:"callback_url"`
	// Source is "file" (a [[social.apps]] table of the config file) or
	// "database"; a stored app that a file app shadows says so.
	Source string `json:"source"`
}

func socialAppList(ctx context.Context, f *cmdFlags, args []string) error {
	asJSON := f.Bool("json", false, "print JSON")
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	return withAdmin(ctx, f.e, func(a *admin) error {
		svc := a.gh.Social()
		if svc == nil {
			return errors.New("social login is off in this configuration")
		}
		stored, err := a.db.SocialApps(ctx)
		if err != nil {
			return err
		}
		site := strings.TrimRight(svc.Config.SiteURL, "/")
		all := []socialAppJSON{}
		inFile := map[string]bool{}
		add := func(app *social.App, source string) {
			j := socialAppJSON{Provider: app.Provider, ID: app.AppID, Name: app.Name, ClientID: app.ClientID,
				HasSecret: app.Secret != "", HasKey: app.Key != "", ServerURL: app.ServerURL, Scopes: app.Scopes,
				Settings: app.Settings, CallbackURL: site + social.CallbackPath(app.Provider, app.AppID), Source: source}
			if j.Scopes == nil {
				j.Scopes = []string{}
			}
			if j.Settings == nil {
				j.Settings = map[string]string{}
			}
			all = append(all, j)
		}
		for i := range svc.Config.Apps {
			app := &svc.Config.Apps[i]
			inFile[app.Provider+"/"+app.AppID] = true
			add(app, "file")
		}
		for _, app := range stored {
			source := "database"
			if inFile[app.Provider+"/"+app.AppID] {
				source = "database (the file's app wins)"
			}
			add(app, source)
		}
		if *asJSON {
			return printJSON(f.e, all)
		}
		tw := tabwriter.NewWriter(f.e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PROVIDER\tID\tNAME\tCLIENT ID\tSECRET\tSOURCE\tCALLBACK URL")
		for _, j := range all {
			secret := "no"
			if j.HasSecret {
				secret = "set"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", j.Provider, dash(j.ID), dash(j.Name), j.ClientID, secret, j.Source, j.CallbackURL)
		}
		return tw.Flush()
	})
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func socialAppRemove(ctx context.Context, f *cmdFlags, args []string) error {
	pos, err := f.parse(args, 1, 2)
	if err != nil {
		return err
	}
	provider, id := pos[0], ""
	if len(pos) == 2 {
		id = pos[1]
	}
	return withAdmin(ctx, f.e, func(a *admin) error {
		svc := a.gh.Social()
		if svc == nil {
			return errors.New("social login is off in this configuration")
		}
		if err := svc.DeleteApp(ctx, provider, id); err != nil {
			if account.HasCode(err, social.CodeUnknownProvider) {
				return fmt.Errorf("no stored app %s", appLabel(provider, id))
			}
			return err
		}
		fmt.Fprintf(f.e.stdout, "App %s removed.\n", appLabel(provider, id))
		return nil
	})
}

func appLabel(provider, id string) string {
	if id == "" {
		return provider
	}
	return provider + "/" + id
}

// providerIDs lists the built-in providers' ids.
func providerIDs() []string {
	var ids []string
	for _, p := range social.Builtin() {
		ids = append(ids, p.ID)
	}
	sort.Strings(ids)
	return ids
}
