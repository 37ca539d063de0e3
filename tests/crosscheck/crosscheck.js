// Cross-check of WxBind's message crypto against node-webot's wechat-crypto, an implementation
// we did not write. Reads one JSON request on stdin and writes one JSON answer on stdout:
//   {"mode":"encrypt","token","aesKey","appid","text","timestamp","nonce"} → {"encrypt","msgSignature"}
//   {"mode":"decrypt","token","aesKey","appid","encrypt","timestamp","nonce","msgSignature"}
//     → {"text","appid","signatureValid"}
'use strict';
process.noDeprecation = true; // wechat-crypto uses the old Buffer constructor
const WXBizMsgCrypt = require('wechat-crypto');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const request = JSON.parse(input);
  const crypt = new WXBizMsgCrypt(request.token, request.aesKey, request.appid);
  let result;
  if (request.mode === 'encrypt') {
    const encrypt = crypt.encrypt(request.text);
    result = { encrypt, msgSignature: crypt.getSignature(request.timestamp, request.nonce, encrypt) };
  } else if (request.mode === 'decrypt') {
    const decrypted = crypt.decrypt(request.encrypt);
    const expected = crypt.getSignature(request.timestamp, request.nonce, request.encrypt);
    result = { text: decrypted.message, appid: decrypted.id, signatureValid: expected === request.msgSignature };
  } else {
    process.stderr.write(`unknown mode ${request.mode}\n`);
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(result));
});
