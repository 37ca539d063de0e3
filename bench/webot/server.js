// node-webot's `wechat` middleware on node's own http server: the reference point the bench
// compares WxBind with. It verifies the signature (and in Safe mode msg_signature and the
// ciphertext), parses the XML and replies a help text to every push.
//
//   node server.js PORT TOKEN [ENCODING_AES_KEY APP_ID]
const http = require('http');
const wechat = require('wechat');

const [port, token, encodingAESKey, appid] = process.argv.slice(2);
const config = encodingAESKey ? { token, appid, encodingAESKey, checkSignature: true } : token;
const middleware = wechat(config, (req, res) => res.reply('您好！发送「绑定」把微信绑定到网站账号。'));

http.createServer((req, res) => {
  req.query = Object.fromEntries(new URL(req.url, 'http://localhost').searchParams);
  middleware(req, res, () => { res.statusCode = 404; res.end(); });
}).listen(Number(port), '127.0.0.1', () => console.log(`webot listening on ${port}`));
