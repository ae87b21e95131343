//! `pubcom users` and `pubcom tokens`: accounts and API tokens from a shell.

use super::*;

pub fn run_users(settings: &Settings, cmd: UserCommand) -> anyhow::Result<()> {
    let mut conn = connect(settings)?;
    let actor = accounts::Actor::system(&cli_actor());
    match cmd {
        UserCommand::Add {
            login,
            name,
            email,
            role,
            personal,
            consultations,
            password,
        } => {
            let given = password.is_some();
            let account = accounts::NewAccount {
                login: login.clone(),
                display_name: name,
                email,
                role,
                can_view_personal: personal,
                password,
            };
            let (_, pw) = accounts::add_user(&mut conn, &actor, &account)?;
            for slug in consultations {
                let c = consultation::find_by_slug(&mut conn, &slug)?
                    .with_context(|| format!("案件「{slug}」はありません"))?;
                accounts::set_membership(&mut conn, &actor, &login, c.id(), Some(role))?;
            }
            println!("ユーザー {login}（{}）を追加しました", role.label());
            if !given {
                println!("初期パスワード: {pw}");
            }
        }
        UserCommand::List => {
            for u in crate::models::user::all(&mut conn)? {
                let state = if u.disabled {
                    "無効"
                } else if u.locked_until.is_some_and(|t| t > db::now()) {
                    "停止中"
                } else {
                    "有効"
                };
                let personal = if u.can_view_personal {
                    "個人情報可"
                } else {
                    ""
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    u.login,
                    u.display_name,
                    u.role().code(),
                    state,
                    personal,
                    u.email
                );
            }
        }
        UserCommand::Disable { login } => {
            accounts::set_disabled(&mut conn, &actor, &login, true)?;
            println!("{login} を無効にしました");
        }
        UserCommand::Enable { login } => {
            accounts::set_disabled(&mut conn, &actor, &login, false)?;
            println!("{login} を有効にしました");
        }
        UserCommand::ResetPassword { login, password } => {
            let given = password.is_some();
            let pw = accounts::reset_password(&mut conn, &actor, &login, password)?;
            println!("{login} のパスワードを再設定しました（ログイン中のセッションは終了）");
            if !given {
                println!("新しいパスワード: {pw}");
            }
        }
        UserCommand::Grant {
            login,
            consultation: slug,
            role,
            remove,
        } => {
            let c = consultation::find_by_slug(&mut conn, &slug)?
                .with_context(|| format!("案件「{slug}」はありません"))?;
            let role = if remove {
                None
            } else {
                let u = crate::models::user::find_by_login(&mut conn, &login)?
                    .with_context(|| format!("ユーザー「{login}」はいません"))?;
                Some(role.unwrap_or(u.role()))
            };
            accounts::set_membership(&mut conn, &actor, &login, c.id(), role)?;
            match role {
                Some(r) => println!("{login} を {slug} の{}にしました", r.label()),
                None => println!("{login} を {slug} から外しました"),
            }
        }
    }
    Ok(())
}

pub fn run_tokens(settings: &Settings, cmd: TokenCommand) -> anyhow::Result<()> {
    let mut conn = connect(settings)?;
    let actor = accounts::Actor::system(&cli_actor());
    match cmd {
        TokenCommand::Create { user, name, role } => {
            let (id, secret) = accounts::create_token(&mut conn, &actor, &user, &name, role)?;
            println!("トークン {id} を作りました（この値は二度と表示されません）:");
            println!("{secret}");
        }
        TokenCommand::List => {
            let users = crate::models::user::all(&mut conn)?;
            for t in crate::models::api_token::all(&mut conn, None)? {
                let login = users
                    .iter()
                    .find(|u| u.id == t.user_id)
                    .map(|u| u.login.as_str())
                    .unwrap_or("?");
                let state = if t.revoked_at.is_some() {
                    "無効"
                } else {
                    "有効"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    t.id,
                    login,
                    t.name,
                    t.role().code(),
                    state
                );
            }
        }
        TokenCommand::Revoke { id } => {
            accounts::revoke_token(&mut conn, &actor, id)?;
            println!("トークン {id} を無効にしました");
        }
    }
    Ok(())
}
