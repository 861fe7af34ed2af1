// The API's field error codes in plain words, for the form and for the no-JavaScript error page.

export const FIELDS = {
  patientStatus: { name: 'whether you have been a patient here before', choose: true },
  firstName: { name: 'your first name' },
  lastName: { name: 'your last name' },
  preferredContact: { name: 'how we should contact you', choose: true },
  phone: { name: 'your phone number' },
  email: { name: 'your e-mail address' },
  okToText: { name: 'whether we may text you', choose: true },
  okToLeaveVoicemail: { name: 'whether we may leave a voicemail', choose: true },
  service: { name: 'what you would like help with', choose: true },
  provider: { name: 'who you would like to see', choose: true },
  visitFormat: { name: 'how you would like to be seen', choose: true },
  preferredDays: { name: 'the days that suit you', choose: true },
  preferredTimes: { name: 'the times of day that suit you', choose: true },
  payment: { name: 'how you plan to pay', choose: true },
  insuranceCarrier: { name: 'your insurance company', limit: 60 },
  message: { name: 'your message', limit: 500 },
  consent: { name: 'your consent', choose: true },
};

const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** "phone", "invalid_phone" → "Please enter a phone number we can call, …". */
export function describe(field, code) {
  const known = FIELDS[field];
  const name = known?.name ?? 'one of the fields';
  switch (code) {
    case 'required':
      if (field === 'phone') return 'Please enter a phone number, so that we can call or text you.';
      if (field === 'email') return 'Please enter an e-mail address, so that we can e-mail you.';
      return known?.choose ? `Please choose ${name}.` : `Please enter ${name}.`;
    case 'must_be_true':
      if (field === 'okToText') {
        return 'Please tick the box to allow text messages, or choose another way for us to contact you.';
      }
      return 'Please tick the box to agree, so that we may contact you about your request.';
    case 'invalid_email':
      return 'Please enter an e-mail address in the form name@example.com.';
    case 'invalid_phone':
      return 'Please enter a phone number we can call, including the area code, for example 503 555 0142.';
    case 'invalid_name':
      return `${capital(name)} may contain only letters, spaces, apostrophes, hyphens, full stops and commas.`;
    case 'too_long':
      return known?.limit
        ? `${capital(name)} is too long: please keep it to ${known.limit} characters.`
        : `${capital(name)} is too long: please shorten it.`;
    case 'too_short':
      return `${capital(name)} is too short.`;
    case 'invalid_choice':
      return `Please choose ${name} from the options listed.`;
    case 'invalid_text':
      return `${capital(name)} contains characters we cannot accept: please type it again.`;
    case 'invalid_type':
    case 'invalid_format':
      return `We could not read ${name}: please check it.`;
    case 'unknown_field':
      return 'The form sent something we did not expect: please reload the page and try again.';
    default:
      return `Please check ${name}.`;
  }
}

/** 429 in words: when to try again, from Retry-After's seconds when the API gave them. */
export function rateLimited(seconds) {
  const wait = waitInWords(seconds);
  return 'We have received many requests from your connection in a short time. ' +
    (wait ? `Please try again ${wait}.` : 'Please wait a while and try again.');
}

/** 180 → "in about 3 minutes"; null for anything but a positive number of seconds. */
function waitInWords(seconds) {
  if (!(seconds > 0)) return null;
  const minutes = Math.round(seconds / 60);
  if (minutes <= 1) return 'in about a minute';
  if (minutes < 90) return `in about ${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? 'in about an hour' : `in about ${hours} hours`;
}

/** The `?error=` words of the form's error page (rate_limited: rateLimited). */
export const PROBLEMS = {
  unavailable: 'Our system could not store your request just now. Please try again in a few minutes, or call us.',
  too_large: 'The request was too long to send. Please shorten your message and try again.',
  bad_request: 'The request could not be read. Please reload the form and try again.',
};
