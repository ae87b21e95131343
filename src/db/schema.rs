//! Diesel table definitions, written by hand to match both `migrations/sqlite` and
//! `migrations/postgres` (ids are BIGINT on both; times are UTC `TIMESTAMP`).

diesel::table! {
    consultations (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    clauses (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        label -> Text,
        heading -> Text,
        body -> Text,
        depth -> Integer,
        position -> Integer,
    }
}

diesel::table! {
    categories (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        name -> Text,
        position -> Integer,
    }
}

diesel::table! {
    submitters (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        kind -> Text,
        name -> Text,
        attribute -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        address -> Nullable<Text>,
        created_at -> Timestamp,
        public_number -> Nullable<Integer>,
        kind_confirmed -> Bool,
        identity_key -> Nullable<Text>,
    }
}

diesel::table! {
    import_batches (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        file_name -> Text,
        sha256 -> Text,
        format -> Text,
        encoding -> Text,
        profile -> Text,
        rows_read -> Integer,
        comments_added -> Integer,
        imported_by -> Text,
        imported_at -> Timestamp,
        grouped -> Bool,
    }
}

diesel::table! {
    submissions (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        submitter_id -> Nullable<BigInt>,
        import_batch_id -> Nullable<BigInt>,
        source_row -> Nullable<Integer>,
        channel -> Text,
        /// The text as received; NULL: the body of its only comment, never edited.
        body -> Nullable<Text>,
        received_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    duplicate_groups (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        representative_comment_id -> Nullable<BigInt>,
        status -> Text,
        method -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    comments (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        submission_id -> BigInt,
        number -> Integer,
        part -> Integer,
        body -> Text,
        volume -> Nullable<Text>,
        chapter -> Nullable<Text>,
        page -> Nullable<Text>,
        category_id -> Nullable<BigInt>,
        clause_id -> Nullable<BigInt>,
        duplicate_group_id -> Nullable<BigInt>,
        split_from_id -> Nullable<BigInt>,
        match_key -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    topic_members (comment_id) {
        comment_id -> BigInt,
        topic_id -> BigInt,
    }
}

diesel::table! {
    topics (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        number -> Integer,
        title -> Text,
        summary -> Text,
        clause_id -> Nullable<BigInt>,
        category_id -> Nullable<BigInt>,
        version -> Integer,
        disposition -> Nullable<Text>,
        answer_body -> Text,
        answer_state -> Text,
        answer_version -> Integer,
        reviewer_remark -> Nullable<Text>,
        answer_updated_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    topic_dismissals (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        signature -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    comment_clause_refs (id) {
        id -> BigInt,
        comment_id -> BigInt,
        source -> Text,
        raw -> Text,
        clause_path -> Nullable<Text>,
        detail -> Nullable<Text>,
        page_from -> Nullable<Integer>,
        page_to -> Nullable<Integer>,
        clause_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        login -> Text,
        display_name -> Text,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        can_view_personal -> Bool,
        disabled -> Bool,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    consultation_members (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
    }
}

diesel::table! {
    assignments (id) {
        id -> BigInt,
        comment_id -> BigInt,
        drafter_id -> BigInt,
        assigned_by -> Nullable<BigInt>,
        due_on -> Nullable<Date>,
        assigned_at -> Timestamp,
        reminded_on -> Nullable<Date>,
    }
}

diesel::table! {
    routing_rules (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        clause_prefix -> Nullable<Text>,
        category_id -> Nullable<BigInt>,
        drafter_id -> BigInt,
        position -> Integer,
    }
}

diesel::table! {
    responses (id) {
        id -> BigInt,
        comment_id -> BigInt,
        disposition -> Text,
        body -> Text,
        state -> Text,
        version -> Integer,
        reviewer_remark -> Nullable<Text>,
        updated_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    revisions (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        clause_id -> Nullable<BigInt>,
        clause_label -> Text,
        original_text -> Text,
        revised_text -> Text,
        reason -> Text,
        state -> Text,
        version -> Integer,
        updated_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        revised_clause_label -> Nullable<Text>,
    }
}

diesel::table! {
    revision_comments (revision_id, comment_id) {
        revision_id -> BigInt,
        comment_id -> BigInt,
    }
}

diesel::table! {
    stock_phrases (id) {
        id -> BigInt,
        consultation_id -> Nullable<BigInt>,
        disposition -> Text,
        body -> Text,
        position -> Integer,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> BigInt,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        actor -> Text,
        user_id -> Nullable<BigInt>,
        consultation_id -> Nullable<BigInt>,
        action -> Text,
        entity -> Text,
        entity_id -> Nullable<BigInt>,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        role -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    app_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        consultation_id -> BigInt,
        comment_id -> BigInt,
        kind -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        mailed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    redactions (id) {
        id -> BigInt,
        comment_id -> BigInt,
        original -> Text,
        replacement -> Text,
        reason -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(redactions -> comments (comment_id));
diesel::joinable!(comments -> clauses (clause_id));
diesel::joinable!(notifications -> comments (comment_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(consultation_members -> users (user_id));
diesel::joinable!(consultation_members -> consultations (consultation_id));
diesel::joinable!(comments -> consultations (consultation_id));
diesel::joinable!(comments -> submissions (submission_id));
diesel::joinable!(comments -> categories (category_id));
diesel::joinable!(submissions -> submitters (submitter_id));
diesel::joinable!(responses -> comments (comment_id));
diesel::joinable!(comment_clause_refs -> comments (comment_id));
diesel::joinable!(assignments -> comments (comment_id));
diesel::joinable!(clauses -> consultations (consultation_id));
diesel::joinable!(revision_comments -> revisions (revision_id));
diesel::joinable!(topic_members -> topics (topic_id));
diesel::joinable!(topic_members -> comments (comment_id));

diesel::table! {
    /// Maintained by triggers (migrations …_tallies): never written by the application.
    comment_tallies (consultation_id, dimension, value) {
        consultation_id -> BigInt,
        dimension -> Text,
        value -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    data_versions (consultation_id) {
        consultation_id -> BigInt,
        version -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    consultations,
    clauses,
    categories,
    submitters,
    import_batches,
    submissions,
    duplicate_groups,
    comments,
    comment_clause_refs,
    users,
    consultation_members,
    assignments,
    routing_rules,
    responses,
    revisions,
    revision_comments,
    stock_phrases,
    mail_outbox,
    audit_events,
    sessions,
    api_tokens,
    app_secrets,
    notifications,
    redactions,
    topics,
    topic_members,
    topic_dismissals,
);
