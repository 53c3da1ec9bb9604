// The demo back office is not built yet: its issue needs the server adapter and the elements.
console.log('The Waizant Support Kit demo back office is not built yet.');
console.log('Run the tests instead: npx -y pnpm@12.4.2 install && npx -y pnpm@12.4.2 test');
