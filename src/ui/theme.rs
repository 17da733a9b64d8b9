//! `presentation`: the theme tokens (emitted as `--st-<token>` CSS custom properties on the component's
//! container, which `style/leptos-stytch-ui.css` reads) and the display options.

/// The theme tokens, named after Stytch's (`primary-foreground` is `primary_foreground`). Change a few and
/// keep the rest: `Theme { primary: "#4f46e5".into(), ..Theme::default() }`.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct Theme {
    /// `light` or `dark`: the browser's own form controls and scrollbars follow it.
    pub color_scheme: String,
    pub font_family: String,
    pub font_family_mono: String,
    /// The unit of every gap and padding.
    pub spacing: String,
    pub container_width: String,
    /// The unit of every corner radius.
    pub rounded_base: String,
    pub text_base: String,
    pub transition_duration: String,
    pub background: String,
    pub foreground: String,
    pub primary: String,
    pub primary_foreground: String,
    pub secondary: String,
    pub secondary_foreground: String,
    pub muted: String,
    pub muted_foreground: String,
    pub accent: String,
    pub accent_foreground: String,
    pub border: String,
    pub input: String,
    pub ring: String,
    pub destructive: String,
    pub destructive_foreground: String,
    pub success: String,
    pub warning: String,
}

impl Default for Theme {
    /// The light theme.
    fn default() -> Self {
        Self {
            color_scheme: "light".into(),
            font_family: "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif".into(),
            font_family_mono: "ui-monospace, SFMono-Regular, Menlo, monospace".into(),
            spacing: "4px".into(),
            container_width: "400px".into(),
            rounded_base: "4px".into(),
            text_base: "1rem".into(),
            transition_duration: "0.15s".into(),
            background: "#ffffff".into(),
            foreground: "#18181b".into(),
            primary: "#18181b".into(),
            primary_foreground: "#fafafa".into(),
            secondary: "#f4f4f5".into(),
            secondary_foreground: "#18181b".into(),
            muted: "#f4f4f5".into(),
            muted_foreground: "#52525b".into(),
            accent: "#f4f4f5".into(),
            accent_foreground: "#18181b".into(),
            border: "#d4d4d8".into(),
            input: "#a1a1aa".into(),
            ring: "#2563eb".into(),
            destructive: "#b91c1c".into(),
            destructive_foreground: "#ffffff".into(),
            success: "#15803d".into(),
            warning: "#a16207".into(),
        }
    }
}

impl Theme {
    /// The dark theme: the light one's colours inverted, with contrast kept at WCAG AA.
    pub fn dark() -> Self {
        Self {
            color_scheme: "dark".into(),
            background: "#18181b".into(),
            foreground: "#fafafa".into(),
            primary: "#fafafa".into(),
            primary_foreground: "#18181b".into(),
            secondary: "#27272a".into(),
            secondary_foreground: "#fafafa".into(),
            muted: "#27272a".into(),
            muted_foreground: "#a1a1aa".into(),
            accent: "#27272a".into(),
            accent_foreground: "#fafafa".into(),
            border: "#3f3f46".into(),
            input: "#71717a".into(),
            ring: "#60a5fa".into(),
            destructive: "#f87171".into(),
            destructive_foreground: "#18181b".into(),
            success: "#4ade80".into(),
            warning: "#facc15".into(),
            ..Self::default()
        }
    }

    /// `(token, value)` for every token, in Stytch's spelling.
    pub fn tokens(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("color-scheme", &self.color_scheme),
            ("font-family", &self.font_family),
            ("font-family-mono", &self.font_family_mono),
            ("spacing", &self.spacing),
            ("container-width", &self.container_width),
            ("rounded-base", &self.rounded_base),
            ("text-base", &self.text_base),
            ("transition-duration", &self.transition_duration),
            ("background", &self.background),
            ("foreground", &self.foreground),
            ("primary", &self.primary),
            ("primary-foreground", &self.primary_foreground),
            ("secondary", &self.secondary),
            ("secondary-foreground", &self.secondary_foreground),
            ("muted", &self.muted),
            ("muted-foreground", &self.muted_foreground),
            ("accent", &self.accent),
            ("accent-foreground", &self.accent_foreground),
            ("border", &self.border),
            ("input", &self.input),
            ("ring", &self.ring),
            ("destructive", &self.destructive),
            ("destructive-foreground", &self.destructive_foreground),
            ("success", &self.success),
            ("warning", &self.warning),
        ]
    }

    /// The inline `style` of the container: `--st-<token>: <value>;` for each token, plus
    /// `--st-dark-mode` (0 or 1). Values that could end the declaration (`;`, `{`, `}`) are dropped, so a
    /// theme taken from user input cannot inject other properties.
    pub fn css_vars(&self) -> String {
        self.declarations("")
    }

    fn declarations(&self, priority: &str) -> String {
        let mut css = String::new();
        for (token, value) in self.tokens() {
            if value.contains([';', '{', '}']) {
                continue;
            }
            css.push_str(&format!("--st-{token}: {value}{priority}; "));
        }
        let dark = u8::from(self.color_scheme == "dark");
        css.push_str(&format!("--st-dark-mode: {dark}{priority};"));
        css
    }

    /// A stylesheet rule that applies this theme to the containers marked `data-st-dark="{key}"` when the
    /// reader's system is in dark mode, with the `key` it expects. `!important`, because it must beat the
    /// light theme in the container's inline `style`. The key is a hash of the rule's content, so the
    /// server and the browser render the same one.
    pub fn dark_mode_rule(&self) -> (String, String) {
        let declarations = self.declarations(" !important");
        // FNV-1a: tiny, deterministic, and collisions only merge identical-looking themes.
        let hash = declarations
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            });
        let key = format!("{hash:016x}");
        let rule = format!(
            "@media (prefers-color-scheme: dark) {{ .st-b2b[data-st-dark=\"{key}\"] {{ {declarations} }} }}"
        );
        (key, rule)
    }
}

/// A logo shown above the title.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Logo {
    /// The image's address.
    pub url: String,
    /// Its text alternative; empty marks it decorative.
    pub alt: String,
}

/// `presentation.options`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PresentationOptions {
    /// Hides the title of the first screen only.
    pub hide_header_text: bool,
    /// The app's logo, after the organization's own.
    pub logo: Option<Logo>,
}

/// `presentation`: how the component looks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Presentation {
    /// The tokens; light by default.
    pub theme: Theme,
    /// With it, `theme` and this one are a light/dark pair that follows the reader's system setting
    /// (`prefers-color-scheme`), e.g. `Some(Theme::dark())`.
    pub dark_theme: Option<Theme>,
    /// Display options.
    pub options: PresentationOptions,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_token_becomes_a_custom_property_light_by_default() {
        let css = Theme::default().css_vars();
        assert!(css.contains("--st-background: #ffffff;"));
        assert!(css.contains("--st-primary-foreground: #fafafa;"));
        assert!(css.contains("--st-container-width: 400px;"));
        assert!(css.ends_with("--st-dark-mode: 0;"));
        assert_eq!(
            css.matches("--st-").count(),
            Theme::default().tokens().len() + 1
        );
    }

    #[test]
    fn a_partial_theme_keeps_the_other_defaults() {
        let theme = Theme {
            primary: "#4f46e5".into(),
            ..Theme::default()
        };
        let css = theme.css_vars();
        assert!(css.contains("--st-primary: #4f46e5;"));
        assert!(css.contains("--st-foreground: #18181b;"));
    }

    #[test]
    fn dark_sets_the_flag_and_its_colours() {
        let css = Theme::dark().css_vars();
        assert!(css.contains("--st-color-scheme: dark;"));
        assert!(css.contains("--st-background: #18181b;"));
        assert!(css.ends_with("--st-dark-mode: 1;"));
    }

    #[test]
    fn a_dark_pair_is_a_media_rule_keyed_by_its_content() {
        let (key, rule) = Theme::dark().dark_mode_rule();
        assert!(rule.starts_with("@media (prefers-color-scheme: dark) {"));
        assert!(rule.contains(&format!(".st-b2b[data-st-dark=\"{key}\"]")));
        assert!(rule.contains("--st-background: #18181b !important;"));
        assert!(rule.contains("--st-dark-mode: 1 !important;"));
        assert_eq!(
            Theme::dark().dark_mode_rule().0,
            key,
            "the same on every render"
        );
        let other = Theme {
            primary: "#4f46e5".into(),
            ..Theme::dark()
        };
        assert_ne!(other.dark_mode_rule().0, key);
    }

    #[test]
    fn a_value_that_would_inject_a_declaration_is_dropped() {
        let theme = Theme {
            primary: "red; background-image: url(https://evil.test/)".into(),
            ..Theme::default()
        };
        let css = theme.css_vars();
        assert!(!css.contains("evil"));
        assert!(!css.contains("--st-primary:"));
        assert!(css.contains("--st-primary-foreground:"));
    }
}
