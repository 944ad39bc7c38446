// The English messages of the profile and preferences forms on the account page (issue 15).
export const profileEn = {
  handle: {
    heading: "Username and picture",
    username: "Username",
    usernameHint: "Optional. 3 to 32 of a-z, 0-9, _ . and -. Leave empty to remove it.",
    avatar: "Picture URL",
    avatarHint: "Optional. An https:// address of an image. We never download it ourselves.",
    currentAvatar: "Current picture",
    submit: "Save username and picture",
    usernameInvalid:
      "Use 3 to 32 of a-z, 0-9, _ . and - (not two in a row), starting and ending with a letter or digit.",
    usernameReserved: "This username is reserved. Choose another.",
    usernameTaken: "This username is taken. Choose another.",
    avatarInvalid: "Enter an https:// address without a user name or password, at most 2048 characters.",
  },
  preferences: {
    heading: "Preferences",
    theme: "Theme",
    themes: { SYSTEM: "Same as this device", LIGHT: "Light", DARK: "Dark" } as Record<string, string>,
    language: "Language",
    browserLanguage: "Same as this browser",
    languages: { en: "English" } as Record<string, string>,
    timeZone: "Time zone",
    timeZoneHint: "Optional. An IANA name such as Europe/Paris. Leave empty for none.",
    themeInvalid: "Choose one of the themes listed.",
    languageInvalid: "Choose one of the languages listed.",
    timeZoneInvalid: "Enter a time zone such as Europe/Paris or America/New_York.",
    submit: "Save preferences",
  },
  done: {
    profile: "Your username and picture were saved.",
    preferences: "Your preferences were saved.",
  },
};
