// sqlrun DB FILE — runs FILE's SQL statements one by one on DB and prints each one's CPU time
// (user + sys, getrusage). Used for BENCHMARKS.md «Сессия 10: пересчёт»: what the triggers of
// migrations 011 and 018 cost per row written, on the SQLite that rusqlite bundles.
//
// A line `.perrow INSERT … ;; SELECT …` steps the SELECT and runs the INSERT once per row,
// binding the row's columns to ?1, ?2, … — one statement a row, as the recompute writes.
//
// Build against the bundled SQLite (the same source rusqlite compiles):
//   D=~/.cargo/registry/src/*/libsqlite3-sys-0.38.2/sqlite3
//   gcc -O2 -I$D -o sqlrun benches/support/sqlrun.c $D/sqlite3.c -lm -lpthread
// A case (the cycle 169 a `scale` bench kept with NOK_BENCH_KEEP=1; all in one rolled-back
// transaction):
//   PRAGMA cache_size = -2048; BEGIN;
//   CREATE TEMP TABLE sc AS SELECT s.* FROM score s JOIN membership m ON m.id = s.membership_id
//     WHERE m.cycle_id = 169;  -- and sp from score_parts alike
//   DELETE FROM score_parts WHERE membership_id IN (SELECT membership_id FROM sp);
//   DELETE FROM score WHERE membership_id IN (SELECT membership_id FROM sc);
//   [DROP TRIGGER rating_order_score_insert; [DROP TRIGGER score_bin_insert; DROP TRIGGER parts_bin_insert;]]
//   .perrow INSERT INTO score (…) VALUES (?1, …, ?8) ON CONFLICT … ;; SELECT * FROM sc ORDER BY membership_id
//   .perrow INSERT INTO score_parts (…) VALUES (?1, ?2, ?3) ON CONFLICT … ;; SELECT * FROM sp ORDER BY membership_id
//   (or INSERT INTO score SELECT * FROM sc ORDER BY membership_id; and score_parts alike)
//   ROLLBACK;
#include "sqlite3.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
static double cpu(void){struct rusage u;getrusage(RUSAGE_SELF,&u);return u.ru_utime.tv_sec+u.ru_utime.tv_usec/1e6+u.ru_stime.tv_sec+u.ru_stime.tv_usec/1e6;}
static void die(sqlite3*db,const char*w){fprintf(stderr,"%s: %s\n",w,sqlite3_errmsg(db));exit(1);}
int main(int argc,char**argv){
  sqlite3*db; if(sqlite3_open(argv[1],&db))die(db,"open");
  FILE*f=fopen(argv[2],"r"); static char buf[1<<20]; size_t n=fread(buf,1,sizeof buf-1,f); buf[n]=0;
  char*p=buf;
  while(*p){
    while(*p==' '||*p=='\n'||*p=='\t')p++;
    if(!*p)break;
    if(!strncmp(p,"--",2)){p=strchr(p,'\n');if(!p)break;continue;}
    if(!strncmp(p,".perrow ",8)){
      char*e=strchr(p,'\n'); if(e)*e=0; char*ins=p+8; char*sep=strstr(ins,";;"); *sep=0; char*sel=sep+2;
      sqlite3_stmt*si,*ss; if(sqlite3_prepare_v2(db,ins,-1,&si,0))die(db,ins); if(sqlite3_prepare_v2(db,sel,-1,&ss,0))die(db,sel);
      double t=cpu(); long rows=0;
      while(sqlite3_step(ss)==SQLITE_ROW){int c=sqlite3_column_count(ss);for(int i=0;i<c;i++)sqlite3_bind_value(si,i+1,sqlite3_column_value(ss,i));
        if(sqlite3_step(si)!=SQLITE_DONE)die(db,"perrow");sqlite3_reset(si);rows++;}
      printf("%8.3f s  perrow %ld rows: %.60s\n",cpu()-t,rows,ins);
      sqlite3_finalize(si);sqlite3_finalize(ss); p=e?e+1:p+strlen(p); continue;}
    sqlite3_stmt*s;const char*tail; if(sqlite3_prepare_v2(db,p,-1,&s,&tail))die(db,p);
    double t=cpu(); long rows=0; int rc; while((rc=sqlite3_step(s))==SQLITE_ROW){ if(rows<20){int c=sqlite3_column_count(s);for(int i=0;i<c;i++)printf("%s%s",i?"|":"",sqlite3_column_text(s,i)?(char*)sqlite3_column_text(s,i):"NULL");printf("\n");} rows++;}
    if(rc!=SQLITE_DONE)die(db,p);
    int len=(int)(tail-p); char one[81]; snprintf(one,sizeof one,"%.*s",len<80?len:80,p); for(char*q=one;*q;q++)if(*q=='\n')*q=' ';
    printf("%8.3f s  %s\n",cpu()-t,one);
    sqlite3_finalize(s); p=(char*)tail;
  }
  sqlite3_close(db); return 0;}
