package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/social"
)

var _ social.Store = (*DB)(nil)

const socialAccountCols = `id, user_id, provider, uid, extra_data, token, date_joined, last_login`

// Social queries that must use an index (see TestQueryPlans).
const (
	qSocialByUID  = `SELECT ` + socialAccountCols + ` FROM gh_social_accounts WHERE provider = $1 AND uid = $2`
	qSocialOfUser = `SELECT ` + socialAccountCols + ` FROM gh_social_accounts WHERE user_id = $1 ORDER BY id`
)

func scanSocialAccount(s scanner) (*social.Account, error) {
	a := new(social.Account)
	err := s.Scan(&a.ID, &a.UserID, &a.Provider, &a.UID, &a.ExtraData, &a.Token, timeCol{&a.DateJoined}, timeCol{&a.LastLogin})
	return a, err
}

func scanSocialAccounts(rows *sql.Rows) (*social.Account, error) { return scanSocialAccount(rows) }

// SocialAccountByUID returns the account linked to uid at provider.
func (db *DB) SocialAccountByUID(ctx context.Context, provider, uid string) (*social.Account, error) {
	a, err := scanSocialAccount(db.readRow(ctx, qSocialByUID, provider, uid))
	if err != nil {
		return nil, db.mapErr(err, "social account")
	}
	return a, nil
}

// SocialAccounts lists the user's linked accounts, oldest first.
func (db *DB) SocialAccounts(ctx context.Context, userID int64) ([]*social.Account, error) {
	return queryList(ctx, db, "social accounts", qSocialOfUser, scanSocialAccounts, userID)
}

// CreateSocialAccount inserts a and sets a.ID; (provider, uid) is unique.
func (db *DB) CreateSocialAccount(ctx context.Context, a *social.Account) error {
	defer db.authChanged()
	if a.ExtraData == nil {
		a.ExtraData = []byte("{}")
	}
	err := db.w.QueryRowContext(ctx, `INSERT INTO gh_social_accounts (user_id, provider, uid, extra_data, token, date_joined, last_login)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		a.UserID, a.Provider, a.UID, a.ExtraData, a.Token, db.d.time(a.DateJoined), db.d.time(a.LastLogin)).Scan(&a.ID)
	if err != nil {
		return db.mapErr(err, "create social account")
	}
	return nil
}

// UpdateSocialAccount writes a's ExtraData, Token and LastLogin.
func (db *DB) UpdateSocialAccount(ctx context.Context, a *social.Account) error {
	res, err := db.w.ExecContext(ctx, `UPDATE gh_social_accounts SET extra_data = $2, token = $3, last_login = $4 WHERE id = $1`,
		a.ID, a.ExtraData, a.Token, db.d.time(a.LastLogin))
	return db.mustAffect(res, err, "update social account")
}

// DeleteSocialAccount removes the user's account id.
func (db *DB) DeleteSocialAccount(ctx context.Context, userID, id int64) error {
	defer db.authChanged()
	res, err := db.w.ExecContext(ctx, `DELETE FROM gh_social_accounts WHERE id = $1 AND user_id = $2`, id, userID)
	return db.mustAffect(res, err, "delete social account")
}

// SocialApps lists the stored apps by provider and app id.
func (db *DB) SocialApps(ctx context.Context) ([]*social.App, error) {
	return queryList(ctx, db, "social apps", `SELECT id, provider, app_id, name, client_id, secret, key, server_url, scopes, settings
		FROM gh_social_apps ORDER BY provider, app_id`, func(rows *sql.Rows) (*social.App, error) {
		a := new(social.App)
		var scopes, settings string
		if err := rows.Scan(&a.ID, &a.Provider, &a.AppID, &a.Name, &a.ClientID, &a.Secret, &a.Key, &a.ServerURL, &scopes, &settings); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(scopes), &a.Scopes); err != nil {
			return nil, fmt.Errorf("scopes of app %s/%s: %w", a.Provider, a.AppID, err)
		}
		if err := json.Unmarshal([]byte(settings), &a.Settings); err != nil {
			return nil, fmt.Errorf("settings of app %s/%s: %w", a.Provider, a.AppID, err)
		}
		return a, nil
	})
}

// SaveSocialApp inserts a, or replaces the app with the same provider and
// app id, and sets a.ID.
func (db *DB) SaveSocialApp(ctx context.Context, a *social.App) error {
	scopes, err := json.Marshal(append([]string{}, a.Scopes...))
	if err != nil {
		return fmt.Errorf("sqlstore: save social app: %w", err)
	}
	settings := a.Settings
	if settings == nil {
		settings = map[string]string{}
	}
	set, err := json.Marshal(settings)
	if err != nil {
		return fmt.Errorf("sqlstore: save social app: %w", err)
	}
	err = db.w.QueryRowContext(ctx, `INSERT INTO gh_social_apps (provider, app_id, name, client_id, secret, key, server_url, scopes, settings)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (provider, app_id) DO UPDATE SET name = excluded.name, client_id = excluded.client_id,
			secret = excluded.secret, key = excluded.key, server_url = excluded.server_url,
			scopes = excluded.scopes, settings = excluded.settings
		RETURNING id`, a.Provider, a.AppID, a.Name, a.ClientID, a.Secret, a.Key, a.ServerURL, string(scopes), string(set)).Scan(&a.ID)
	if err != nil {
		return db.mapErr(err, "save social app")
	}
	return nil
}

// DeleteSocialApp removes the app.
func (db *DB) DeleteSocialApp(ctx context.Context, provider, appID string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM gh_social_apps WHERE provider = $1 AND app_id = $2`, provider, appID)
	return db.mustAffect(res, err, "delete social app")
}
