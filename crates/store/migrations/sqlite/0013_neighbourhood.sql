-- My neighbourhood: the local board (posts, comments, reports), mercis on
-- posts through the thanks table, moderation of posts, and the index the
-- neighbours' map counts from.
CREATE TABLE board_posts (
    id INTEGER PRIMARY KEY,
    author_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- info, question, lost-found, alert or event
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    -- Events: when it starts (Unix seconds).
    event_at BIGINT,
    -- Reach around the author's home, in metres.
    radius_m BIGINT NOT NULL,
    -- The centre of the author's home cell (resolution 9), never the home:
    -- reach is measured from there.
    lat DOUBLE PRECISION NOT NULL,
    lng DOUBLE PRECISION NOT NULL,
    cell BIGINT NOT NULL,
    -- Resolution-7 cell of that centre, to find the posts reaching a home.
    area BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- Hidden by a moderator: the text stays for moderators and the author.
    hidden_at BIGINT,
    hidden_by BIGINT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX board_posts_area ON board_posts(area, expires_at);
CREATE INDEX board_posts_author ON board_posts(author_id, id);
CREATE INDEX board_posts_events ON board_posts(area, event_at) WHERE event_at IS NOT NULL;

CREATE TABLE board_comments (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES board_posts(id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    hidden_at BIGINT,
    hidden_by BIGINT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX board_comments_post ON board_comments(post_id, id);
CREATE INDEX board_comments_author ON board_comments(author_id);

-- A report of a post (comment_id 0) or of one of its comments.
CREATE TABLE board_reports (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES board_posts(id) ON DELETE CASCADE,
    comment_id BIGINT NOT NULL DEFAULT 0,
    reporter_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT,
    resolved_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    -- hide or dismiss: the act that settled it
    outcome TEXT,
    UNIQUE (post_id, comment_id, reporter_id)
);
CREATE INDEX board_reports_open ON board_reports(post_id) WHERE resolved_at IS NULL;

-- A merci on a post is a thanks to its author, counted in the same daily
-- allowance, once per person and post.
ALTER TABLE thanks ADD COLUMN post_id BIGINT REFERENCES board_posts(id) ON DELETE SET NULL;
CREATE UNIQUE INDEX thanks_post_once ON thanks(post_id, from_id) WHERE post_id IS NOT NULL;

ALTER TABLE moderation_log ADD COLUMN post_id BIGINT REFERENCES board_posts(id) ON DELETE SET NULL;

-- The map counts people visible to neighbours by home cell within area
-- cells: this index answers it without reading the table.
CREATE INDEX users_map ON users(home_area, home_cell)
    WHERE visibility = 'neighbours' AND deletion_requested_at IS NULL;
